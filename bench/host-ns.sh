# shellcheck shell=bash
# Sourced by bench scripts. host_ns NAME: a new namespace that plays the host: an uplink (veth up0/up1, both in it)
# with an address and a default route (the engine reads the route's MTU), and lo up.
host_ns() {
  ip netns add "$1"
  ip -n "$1" link add up0 type veth peer name up1
  ip -n "$1" addr add 198.51.100.1/24 dev up0
  ip -n "$1" link set up0 up
  ip -n "$1" link set up1 up
  ip -n "$1" link set lo up
  ip -n "$1" route add default via 198.51.100.2
}
