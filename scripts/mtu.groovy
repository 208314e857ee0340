// dockerd --mtu=1400: the bridge and every container's eth0 use MTU 1400 (e.g. under a VPN or an overlay).
// Without mtu, nlbridge takes the MTU of the host's default-route interface.
network('bridge') {
    bridge 'docker0'
    bip '172.17.0.1/16'
    mtu 1400
}

container('web')
