// Docker's default bridge network: dockerd with no options creates docker0 with 172.17.0.1/16, masquerades
// outgoing traffic, lets containers talk to each other, and `docker run -p 8080:80` publishes a port.
// This is the script `nlbridge demo` applies.
network('bridge') {
    bridge 'docker0'
    bip '172.17.0.1/16'
}

// docker run --name web -p 8080:80 ...
container('web') {
    publish '8080:80'
}

// docker run --name db ...
container('db')
