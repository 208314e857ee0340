package org.nlbridge.daemon;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.nlbridge.client.DaemonAddress;
import org.nlbridge.net.tls.Tls;
import org.nlbridge.daemon.http.Conn;
import org.nlbridge.daemon.http.ConnListener;
import org.nlbridge.net.IpAddress;

/**
 * {@code -H tcp://HOST:PORT}: TLS 1.3 with client certificates required (a client without one signed by
 * {@code --tlscacert} never gets to send a request). The host must be an address literal, so the daemon never
 * resolves names. The handshake runs on the connection's own thread, so a slow client cannot stall accepting.
 */
final class TlsListener implements ConnListener {

    private final DaemonAddress address;
    private final SSLServerSocket server;

    private TlsListener(DaemonAddress address, SSLServerSocket server) {
        this.address = address;
        this.server = server;
    }

    static TlsListener open(DaemonAddress address, Tls tls, int backlog) throws IOException {
        IpAddress ip = IpAddress.parse("-H " + address, address.host()); // never a name: nothing is resolved
        SSLServerSocket s = (SSLServerSocket) tls.context().getServerSocketFactory().createServerSocket();
        try {
            s.setNeedClientAuth(true);
            s.setEnabledProtocols(new String[]{Tls.PROTOCOL});
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByAddress(ip.bytes()), address.port()), backlog);
            return new TlsListener(address, s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public Conn accept() throws IOException {
        SSLSocket c = (SSLSocket) server.accept();
        c.setSoTimeout(60_000);
        return new TlsConn(c);
    }

    @Override
    public String address() {
        return address.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static final class TlsConn implements Conn {
        private final SSLSocket s;
        private InputStream in;
        private OutputStream out;
        private String peer;

        TlsConn(SSLSocket s) {
            this.s = s;
        }

        private void handshake() throws IOException {
            if (in != null) return;
            s.startHandshake();
            try {
                X509Certificate c = (X509Certificate) s.getSession().getPeerCertificates()[0];
                peer = c.getSubjectX500Principal().getName() + " at " + s.getInetAddress().getHostAddress();
            } catch (SSLPeerUnverifiedException e) {
                throw new IOException("client presented no certificate", e);
            }
            in = new BufferedInputStream(s.getInputStream(), 16384);
            out = new BufferedOutputStream(s.getOutputStream(), 16384);
        }

        @Override
        public InputStream in() {
            try {
                handshake();
            } catch (IOException e) {
                close();
                return InputStream.nullInputStream(); // the server sees the end of the stream and drops the connection
            }
            return in;
        }

        @Override
        public OutputStream out() {
            return out != null ? out : OutputStream.nullOutputStream();
        }

        @Override
        public String client() {
            return "address " + s.getInetAddress().getHostAddress();
        }

        @Override
        public String peer() {
            return peer != null ? peer : s.getInetAddress().getHostAddress();
        }

        @Override
        public void close() {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
