// dockerd -b bridge0: use a bridge that the administrator created, instead of docker0. nlbridge attaches
// containers to it but never creates, changes or deletes it. Create it first, e.g.:
//   ip link add bridge0 type bridge
//   ip addr add 192.168.5.1/24 dev bridge0
//   ip link set bridge0 up
// Without bip, the gateway and subnet are read from the bridge's address.
network('bridge') {
    useBridge 'bridge0'
}

container('web')
