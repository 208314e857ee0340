// docker run --net=container:web: the sidecar shares web's network namespace (the same eth0, address and
// ports, like containers in a Kubernetes pod); it has no interface of its own.
network('bridge') {
    bridge 'docker0'
    bip '172.17.0.1/16'
}

container('web') {
    publish '8080:80'
}

container('sidecar') {
    network 'container:web'
}
