// docker run --net=none: the container gets a network namespace of its own with only lo up, no veth, no address.
container('sandbox') {
    network 'none'
}
