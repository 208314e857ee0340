package org.nlbridge.dockerplugin;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.client.ApiJson;
import org.nlbridge.daemon.http.Exchange;
import org.nlbridge.daemon.http.HttpRequest;
import org.nlbridge.net.ValidationException;

/**
 * Docker's plugin protocol (HTTP POST of JSON on a Unix socket that dockerd finds in {@code /run/docker/plugins}), as
 * one route table for the daemon's HTTP server: {@code /Plugin.Activate} says this plugin implements both a
 * {@code NetworkDriver} (driver {@code nlbridge}) and an {@code IpamDriver} (IPAM {@code nlbridge}), and each
 * {@code /NetworkDriver.*} and {@code /IpamDriver.*} call goes to {@link NetworkDriverCalls} or {@link IpamCalls}.
 *
 * <p>Answers are HTTP 200 with the call's JSON; a refusal is HTTP 200 with {@code {"Err": "..."}} for the network
 * driver and {@code {"Error": "..."}} for IPAM (libnetwork's two shapes), which dockerd shows as
 * {@code remote: <message>}; the message is the one the CLI would print. A path this plugin does not serve is a 404,
 * which dockerd takes as "not implemented".
 */
public final class DockerPlugin {
    /** What dockerd asks for ({@code Accept}) and what it is answered with. */
    static final String CONTENT_TYPE = "application/vnd.docker.plugins.v1+json";
    static final String NETWORK_DRIVER = "NetworkDriver";
    static final String IPAM_DRIVER = "IpamDriver";

    @FunctionalInterface
    private interface Call {
        ObjectNode answer(DockerJson request, String peer);
    }

    private final Map<String, Call> routes;

    public DockerPlugin(Backend backend) {
        NetworkDriverCalls n = new NetworkDriverCalls(backend);
        IpamCalls i = new IpamCalls(backend);
        routes = Map.ofEntries(
                Map.entry("/IpamDriver.GetCapabilities", (r, p) -> i.capabilities()),
                Map.entry("/IpamDriver.GetDefaultAddressSpaces", (r, p) -> i.addressSpaces()),
                Map.entry("/IpamDriver.RequestPool", (r, p) -> i.requestPool(r)),
                Map.entry("/IpamDriver.ReleasePool", (r, p) -> i.releasePool(r)),
                Map.entry("/IpamDriver.RequestAddress", (r, p) -> i.requestAddress(r)),
                Map.entry("/IpamDriver.ReleaseAddress", (r, p) -> i.releaseAddress(r)),
                Map.entry("/Plugin.Activate", (r, p) -> activate()),
                Map.entry("/NetworkDriver.GetCapabilities", (r, p) -> n.capabilities()),
                Map.entry("/NetworkDriver.CreateNetwork", n::createNetwork),
                Map.entry("/NetworkDriver.DeleteNetwork", n::deleteNetwork),
                Map.entry("/NetworkDriver.CreateEndpoint", n::createEndpoint),
                Map.entry("/NetworkDriver.DeleteEndpoint", n::deleteEndpoint),
                Map.entry("/NetworkDriver.EndpointOperInfo", (r, p) -> n.endpointOperInfo(r)),
                Map.entry("/NetworkDriver.Join", (r, p) -> n.join(r)),
                Map.entry("/NetworkDriver.Leave", (r, p) -> DockerJson.obj()), // dockerd moves the veth back itself
                Map.entry("/NetworkDriver.ProgramExternalConnectivity", n::programExternalConnectivity),
                Map.entry("/NetworkDriver.RevokeExternalConnectivity", n::revokeExternalConnectivity),
                Map.entry("/NetworkDriver.GwAllocCheck", (r, p) -> n.gwAllocCheck()),
                Map.entry("/NetworkDriver.DiscoverNew", (r, p) -> DockerJson.obj()), // local scope: nothing to learn
                Map.entry("/NetworkDriver.DiscoverDelete", (r, p) -> DockerJson.obj()));
    }

    private static ObjectNode activate() {
        ObjectNode o = DockerJson.obj();
        ArrayNode a = o.putArray("Implements");
        for (String s : List.of(NETWORK_DRIVER, IPAM_DRIVER)) a.add(s);
        return o;
    }

    /** Serves one call ({@code HttpServer.Handler}). */
    public void handle(Exchange ex) throws IOException {
        HttpRequest r = ex.request();
        Call call = routes.get(r.path());
        if (call == null) {
            ex.respond(404, CONTENT_TYPE, ApiJson.bytes(shaped(r.path(), "nlbridge does not implement " + r.path())));
            return;
        }
        if (!r.method().equals("POST")) {
            ex.respond(405, CONTENT_TYPE, ApiJson.bytes(shaped(r.path(), r.path() + " takes POST, not " + r.method())));
            return;
        }
        String what = r.path().substring(1);
        ObjectNode answer = call.answer(DockerJson.request(what, r.body()), "docker plugin, " + ex.peer());
        ex.respond(200, CONTENT_TYPE, ApiJson.bytes(answer));
    }

    /** Answers a refusal in the shape of the call's API ({@code HttpServer.ErrorMapper}). */
    public static void error(Exchange ex, Throwable t) throws IOException {
        String m = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
        if (!(t instanceof ValidationException)) {
            System.getLogger("nlbridge.docker").log(System.Logger.Level.WARNING, ex.request().path() + ": " + t, t);
        }
        ex.respond(200, CONTENT_TYPE, ApiJson.bytes(shaped(ex.request().path(), m)));
    }

    /** {@code {"Error": m}} for IPAM calls, {@code {"Err": m}} for everything else. */
    static ObjectNode shaped(String path, String message) {
        ObjectNode o = DockerJson.obj();
        o.put(path.startsWith("/" + IPAM_DRIVER + ".") ? "Error" : "Err", message);
        return o;
    }
}
