// docker run --net=host: the container uses the host's network namespace; nlbridge sets up nothing for it
// (no veth, no address, no published ports: the process binds the host's ports directly).
container('agent') {
    network 'host'
}
