package org.nlbridge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * Real datagrams between test namespaces, through python3 (which CI installs): an echo server answers each datagram
 * with one line, {@code <name> from <peer address>}, sent back to the datagram's source; a client sends one datagram
 * from a <em>connected</em> socket, so it takes a reply only from the address and port it sent to (a NATed reply that
 * conntrack did not translate back is not received), and returns that line or null.
 */
public final class Udp {
    private Udp() {}

    private static final String SERVER = String.join("\n",
            "import socket,sys",
            "name,addr,port=sys.argv[1],sys.argv[2],int(sys.argv[3])",
            "fam=socket.AF_INET6 if ':' in addr else socket.AF_INET",
            "s=socket.socket(fam,socket.SOCK_DGRAM)",
            "if fam==socket.AF_INET6: s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,1)",
            "s.bind((addr,port))",
            "while True:",
            "  d,a=s.recvfrom(2048)",
            "  s.sendto(('%s from %s\\n'%(name,a[0])).encode(),a)");

    private static final String CLIENT = String.join("\n",
            "import socket,sys",
            "host,port,t=sys.argv[1],int(sys.argv[2]),float(sys.argv[3])",
            "c=socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET,socket.SOCK_DGRAM)",
            "c.settimeout(t)",
            "c.connect((host,port))",
            "try:",
            "  c.send(b'ping')",
            "  print(c.recv(2048).decode().strip())",
            "except OSError:",
            "  sys.exit(1)");

    public static void assumeAvailable() {
        Assumptions.assumeTrue(Host.has("python3"), "needs python3 for UDP between namespaces");
    }

    /**
     * Starts an echo server in sandbox namespace {@code ns} on {@code port} of {@code addr} ({@code 0.0.0.0} or
     * {@code ::} for every address of the family) and waits until it answers from inside the namespace.
     */
    public static void serve(Sandbox sandbox, String ns, String name, String addr, int port) {
        sandbox.spawn(ns, "python3", "-c", SERVER, name, addr, Integer.toString(port));
        String self = addr.contains(":") ? "::1" : "127.0.0.1";
        for (int i = 0; i < 50; i++) {
            if (send(sandbox.name(ns), self, port, 0.3) != null) return;
        }
        throw new AssertionError("UDP server " + name + " never answered in " + ns);
    }

    /** The reply's line, or null if none came within {@code timeoutSeconds}. */
    public static String send(String fullNs, String host, int port, double timeoutSeconds) {
        List<String> argv = List.of("ip", "netns", "exec", fullNs, "timeout", Double.toString(timeoutSeconds + 2),
                "python3", "-c", CLIENT, host, Integer.toString(port), Double.toString(timeoutSeconds));
        Cmd.Result r = Cmd.exec("", argv.toArray(String[]::new));
        String line = r.out().strip();
        return r.exit() != 0 || line.isEmpty() ? null : line;
    }

    /** A datagram from {@code from} to {@code host:port} is answered with {@code expected} (one retry for ARP/ND). */
    public static void echoes(String from, String host, int port, String expected) {
        String line = send(from, host, port, Tcp.YES);
        if (line == null) line = send(from, host, port, Tcp.YES);
        assertEquals(expected, line, from + " -> udp " + host + ":" + port);
    }

    /** No reply to a datagram from {@code from} to {@code host:port} within {@link Tcp#NO}. */
    public static void unanswered(String from, String host, int port) {
        assertNull(send(from, host, port, Tcp.NO), from + " -> udp " + host + ":" + port + " must get no reply");
    }
}
