// dockerd --bip=172.17.42.1/16 --fixed-cidr=172.17.42.0/24: the bridge gets 172.17.42.1 on a /16, but container
// addresses are handed out only from 172.17.42.0/24 (network, broadcast and gateway are never handed out).
network('bridge') {
    bridge 'docker0'
    bip '172.17.42.1/16'
    fixedCidr '172.17.42.0/24'
}

container('web')
container('db') {
    ip '172.17.42.20'           // docker run --ip: a static address inside the fixed range
}
