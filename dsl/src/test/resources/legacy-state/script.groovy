// The desired state of the legacy fixture: every kind of key, so that the migration is checked on all of them.
network('bridge') {
    bridge 'nlblegacy0'
    bip '172.30.0.1/16'
    fixedCidr '172.30.1.0/24'
    fixedCidrV6 'fd00:30::/64'
    mtu 1400
    icc false
    ipMasq true
    firewall 'nftables'
    macFromIp true
    dns { nameserver '9.9.9.9'; search 'example.com'; option 'ndots:2' }
}
network('isolated') {
    bridge 'nlblegacy1'
    bip '10.31.0.1/24'
    internal true
    ipForward false
    firewall 'none'
}
container('web') {
    netns 'nlblegacy-web'
    hostname 'web1'
    mac '02:42:ac:1e:01:0a'
    ip '172.30.1.10'
    ip6 'fd00:30::10'
    publish '8080:80'
    publish '127.0.0.1:5353:53/udp'
    publish '[::1]:9000-9001:90-91'
    dns { nameserver '8.8.8.8'; search 'corp.example' }
}
container('sidecar') { network 'container:web' }
container('db') { netns 'nlblegacy-db'; network 'isolated'; ifname 'eth1' }
container('tool') { network 'host' }
container('offline') { netns 'nlblegacy-off'; network 'none' }
userRules {
    allowOnlyFrom '8.8.8.8', '10.0.0.0/8', on: 'uplink0'
}
