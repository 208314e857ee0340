package org.nlbridge.cni;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.client.ApiJson;
import org.nlbridge.net.DnsName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.NotFoundException;

/**
 * The CNI verbs of spec 1.1.0 on a {@link CniBackend}: decodes a call ({@link CniRequest}), runs it, and answers
 * with what the plugin executable prints, the exit status beside it. Every failure becomes a CNI error in the
 * version of the request.
 */
public final class CniPlugin {

    /** What the plugin executable prints, and its exit status (0 success, 1 a CNI error on stdout). */
    public record Answer(int exit, int code, byte[] stdout) {
        public String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private final CniBackend backend;

    public CniPlugin(CniBackend backend) {
        this.backend = backend;
    }

    /** One call; never throws for anything the call itself got wrong. */
    public Answer call(Map<String, String> env, byte[] stdin) {
        CniVersion errorVersion = CniRequest.errorVersion(stdin);
        if ("VERSION".equals(env.get("CNI_COMMAND"))) {
            // as the plugin executable answers it: the version asked for if it is ours, whatever else stdin holds
            return new Answer(0, 0, (ApiJson.write(version(errorVersion)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        try {
            CniRequest r = CniRequest.decode(env, stdin);
            errorVersion = r.version();
            ObjectNode out = switch (r.command()) {
                case ADD -> add(r);
                case DEL -> {
                    backend.delete(r.config().name(), r.containerId(), r.ifname());
                    yield null;
                }
                case CHECK -> check(r);
                case GC -> gc(r);
                case STATUS -> status(r);
            };
            return new Answer(0, 0, out == null ? new byte[0] : (ApiJson.write(out) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (CniException e) {
            return error(errorVersion, e);
        } catch (NotFoundException e) {
            return error(errorVersion, new CniException(CniException.ENGINE_FAILED, e.getMessage()));
        } catch (ValidationException e) {
            return error(errorVersion, CniException.of(CniException.INVALID_CONFIG, e));
        } catch (RuntimeException e) {
            String m = e.getMessage();
            return error(errorVersion, new CniException(CniException.ENGINE_FAILED, m == null || m.isBlank()
                    ? e.getClass().getSimpleName() : m));
        }
    }

    public static Answer error(CniVersion version, CniException e) {
        return new Answer(1, e.code(), (ApiJson.write(e.toJson(version)) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode version(CniVersion v) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("cniVersion", v.toString());
        ArrayNode a = o.putArray("supportedVersions");
        CniVersion.SUPPORTED.forEach(a::add);
        return o;
    }

    private ObjectNode add(CniRequest r) {
        CniConfig c = r.config();
        RuntimeConfig rc = c.runtime();
        List<IpAddress> ips = new ArrayList<>(rc.ips());
        String argIp = r.args().get("IP");
        if (argIp != null) {
            List<IpAddress> fromArgs = new ArrayList<>();
            for (String s : argIp.split(",")) {
                int slash = s.indexOf('/');
                try {
                    fromArgs.add(IpAddress.parse("CNI_ARGS IP", slash >= 0 ? s.substring(0, slash) : s));
                } catch (ValidationException e) {
                    throw new CniException(CniException.INVALID_ENVIRONMENT, e.getMessage());
                }
            }
            if (!ips.isEmpty() && !new HashSet<>(ips).equals(new HashSet<>(fromArgs))) {
                throw new CniException(CniException.INVALID_CONFIG, "invalid CNI_ARGS IP \"" + argIp
                        + "\": differs from runtimeConfig.ips " + ips + "; expected one of them");
            }
            ips = fromArgs;
        }
        Ipv4Address ip4 = null;
        Ipv6Address ip6 = null;
        for (IpAddress a : ips) {
            if (a instanceof Ipv4Address v4) {
                if (ip4 != null) throw twoOf("IPv4", ips);
                ip4 = v4;
            } else if (a instanceof Ipv6Address v6) {
                if (ip6 != null) throw twoOf("IPv6", ips);
                ip6 = v6;
            }
        }
        MacAddress mac = rc.mac();
        String argMac = r.args().get("MAC");
        if (argMac != null) {
            MacAddress m;
            try {
                m = MacAddress.parseUnicast("CNI_ARGS MAC", argMac);
            } catch (ValidationException e) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, e.getMessage());
            }
            if (mac != null && !mac.equals(m)) {
                throw new CniException(CniException.INVALID_CONFIG, "invalid CNI_ARGS MAC \"" + argMac
                        + "\": differs from runtimeConfig.mac " + mac + "; expected one of them");
            }
            mac = m;
        }
        List<DnsName> aliases = rc.aliases().getOrDefault(c.name(), List.of());
        AttachRequest req = new AttachRequest(c.network(), c.networkKeys(), r.containerId(), r.ifname(), r.netns(),
                ip4, ip6, mac, rc.ports(), aliases, rc.dns(), c.defaultRoute(), c.spoofCheck(), r.args().get("K8S_POD_NAMESPACE"),
                r.args().get("K8S_POD_NAME"));
        Attachment a = backend.add(req);
        return CniResult.of(r.version(), a, c.prevResult());
    }

    private static CniException twoOf(String family, List<IpAddress> ips) {
        return new CniException(CniException.INVALID_CONFIG, "invalid requested addresses " + ips + ": two " + family
                + " addresses; expected at most one IPv4 and one IPv6 address per attachment");
    }

    private ObjectNode check(CniRequest r) {
        String net = r.config().name();
        Optional<Attachment> found = backend.find(net, r.containerId(), r.ifname());
        if (found.isEmpty()) {
            throw new CniException(CniException.CHECK_FAILED, "container " + r.containerId() + " has no interface "
                    + r.ifname() + " on network " + net, "ADD it first (or it was removed by DEL or GC)");
        }
        Attachment a = found.get();
        List<String> problems = new ArrayList<>();
        if (!a.netns().equals(r.netns())) problems.add("interface " + r.ifname() + " is in " + a.netns() + ", not " + r.netns());
        if (r.config().prevResult() != null) problems.addAll(CniResult.differences(r.config().prevResult(), a));
        problems.addAll(backend.check(a));
        if (!problems.isEmpty()) {
            throw new CniException(CniException.CHECK_FAILED, "container " + r.containerId() + " on network " + net + ": "
                    + String.join("; ", problems));
        }
        return null;
    }

    private ObjectNode gc(CniRequest r) {
        List<String> errors = backend.gc(r.config().name(), new HashSet<>(r.config().attachments()));
        if (!errors.isEmpty()) {
            throw new CniException(CniException.GC_INCOMPLETE, "GC of network " + r.config().name() + ": "
                    + String.join("; ", errors));
        }
        return null;
    }

    private ObjectNode status(CniRequest r) {
        try {
            backend.ready(r.config().name());
        } catch (RuntimeException e) {
            throw new CniException(CniException.NOT_AVAILABLE, "network " + r.config().name() + " cannot take containers now: "
                    + e.getMessage());
        }
        return null;
    }
}
