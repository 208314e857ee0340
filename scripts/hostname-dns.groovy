// docker run -h web1 --dns 9.9.9.9 --dns-search example.com --dns-opt ndots:2: the container's /etc/hostname,
// /etc/hosts and /etc/resolv.conf. A network's dns block is dockerd's --dns* (defaults for the network's
// containers); a container's dns block is docker run's --dns*. Each given part replaces the host's resolv.conf part.
network('bridge') {
    bridge 'docker0'
    bip '172.17.0.1/16'
    dns {
        nameserver '9.9.9.9'
        search 'example.com'
    }
}

container('web') {
    hostname 'web1'
    dns {
        nameserver '1.1.1.1', '8.8.8.8'
        option 'ndots:2'
    }
}
