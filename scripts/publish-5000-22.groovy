// docker run -p 5000:22: host port 5000 reaches port 22 of the container (DNAT in prerouting and output, with
// the forward rule that lets it in). Also shown: a port only on the loopback address, and a UDP range.
network('bridge') {
    bridge 'docker0'
    bip '172.17.0.1/16'
}

container('ssh') {
    publish '5000:22'
    publish '127.0.0.1:8080:80'          // docker run -p 127.0.0.1:8080:80: not reachable from other hosts
    publish '6000-6001:7000-7001/udp'
}
