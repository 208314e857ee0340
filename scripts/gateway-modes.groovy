// Docker 28's gateway modes (docker network create -o com.docker.network.bridge.gateway_mode_ipv4/ipv6=...):
// IPv4 through NAT as usual, IPv6 routed (no NAT: a router sends fd00:40::/64 to this host, and a published
// container port is open to it as it is); and an isolated internal network whose bridge has no address at all.
network('public') {
    bridge 'br-public'
    bip '172.30.40.1/24'
    fixedCidrV6 'fd00:40::/64'
    gatewayModeV6 'routed'               // gatewayMode 'routed' would do the same for IPv4
}
network('backplane') {
    bridge 'br-back'
    bip '172.30.41.1/24'
    internal true
    gatewayMode 'isolated'               // or 'nat' (the default), 'nat-unprotected', 'routed'
}

container('web') {
    network 'public'
    publish '8080:80'                    // IPv4: host port 8080 -> 80; IPv6: port 80 of the container itself
}
container('db') {
    network 'backplane'
}
