// dockerd --iptables=false: nlbridge writes no firewall rules at all. The bridge, veths, addresses and routes are
// set up as usual, but there is no masquerade and no port publishing: routing and filtering are up to you.
network('bridge') {
    bridge 'docker0'
    bip '172.17.0.1/16'
    firewall 'none'
}

container('web')
