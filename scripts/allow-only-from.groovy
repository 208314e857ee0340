// "Accept only 8.8.8.8" in the user hook, Docker's documented DOCKER-USER recipe:
//   iptables -I DOCKER-USER -i uplink0 ! -s 8.8.8.8 -j DROP
// Traffic to containers arriving on uplink0 from any other source is dropped before nlbridge's own rules.
// nlbridge creates the hook but never flushes it; destroy leaves these rules to the user.
network('bridge') {
    bridge 'docker0'
    bip '172.17.0.1/16'
}

container('web') {
    publish '8080:80'
}

userRules {
    allowOnlyFrom '8.8.8.8', on: 'uplink0'
}
