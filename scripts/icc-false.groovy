// dockerd --icc=false: containers on the bridge cannot reach each other; they still reach the outside world,
// and published ports still work.
network('bridge') {
    bridge 'docker0'
    bip '172.17.0.1/16'
    icc false
}

container('web') {
    publish '8080:80'
}
container('db')
