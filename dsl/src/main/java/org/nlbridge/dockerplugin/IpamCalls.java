package org.nlbridge.dockerplugin;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.driver.ipam.AddressPools;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/**
 * libnetwork's remote {@code IpamDriver} API on the engine's address pools ({@link AddressPools}): {@code docker network
 * create --ipam-driver nlbridge}, with nlbridge's network driver or any other. Pools and addresses live in the
 * engine's state store, so they survive restarts of either side; a pool never overlaps another pool, a network of the
 * engine, or (when dockerd lets nlbridge choose) a route of the host.
 */
final class IpamCalls {
    static final String LOCAL_SPACE = "nlbridge-local";
    static final String GLOBAL_SPACE = "nlbridge-global";
    static final String ADDRESS_TYPE = "RequestAddressType";
    static final String GATEWAY = "com.docker.network.gateway";

    private final Backend backend;

    IpamCalls(Backend backend) {
        this.backend = backend;
    }

    ObjectNode capabilities() {
        ObjectNode o = DockerJson.obj();
        o.put("RequiresMACAddress", false);
        o.put("RequiresRequestReplay", false);
        return o;
    }

    ObjectNode addressSpaces() {
        ObjectNode o = DockerJson.obj();
        o.put("LocalDefaultAddressSpace", LOCAL_SPACE);
        o.put("GlobalDefaultAddressSpace", GLOBAL_SPACE);
        return o;
    }

    ObjectNode requestPool(DockerJson r) {
        String space = r.required("AddressSpace");
        Cidr subnet = r.text("Pool").isEmpty() ? null : Cidr.parseSubnet("--subnet", r.text("Pool"));
        Cidr range = r.text("SubPool").isEmpty() ? null : Cidr.parseSubnet("--ip-range", r.text("SubPool"));
        boolean v6 = r.bool("V6");
        Map<String, String> options = r.strings("Options");
        if (!options.isEmpty()) {
            throw new ValidationException("--ipam-opt", options.keySet().iterator().next(), "unknown IPAM option",
                    "no IPAM options (nlbridge's IPAM takes --subnet, --ip-range, --gateway and --aux-address)");
        }
        if (range != null && subnet == null) {
            throw new ValidationException("--ip-range", range.toString(), "given without --subnet", "--subnet with it");
        }
        AddressPools.Pool p = backend.pools("request pool", pools -> pools.requestPool(space, subnet, range, v6));
        ObjectNode o = DockerJson.obj();
        o.put("PoolID", p.id());
        o.put("Pool", p.subnet().toString());
        o.putObject("Data");
        return o;
    }

    ObjectNode releasePool(DockerJson r) {
        String id = r.required("PoolID");
        backend.pools("release pool", pools -> {
            pools.releasePool(id);
            return null;
        });
        return DockerJson.obj();
    }

    ObjectNode requestAddress(DockerJson r) {
        String id = r.required("PoolID");
        IpAddress preferred = r.text("Address").isEmpty() ? null : IpAddress.parse("--ip", r.text("Address"));
        boolean gateway = GATEWAY.equals(r.object("Options").text(ADDRESS_TYPE));
        Cidr a = backend.pools("request address", pools -> pools.requestAddress(id, preferred, gateway));
        ObjectNode o = DockerJson.obj();
        o.put("Address", a.toString());
        o.putObject("Data");
        return o;
    }

    ObjectNode releaseAddress(DockerJson r) {
        String id = r.required("PoolID");
        IpAddress address = IpAddress.parse("Address", r.required("Address"));
        backend.pools("release address", pools -> {
            pools.releaseAddress(id, address);
            return null;
        });
        return DockerJson.obj();
    }
}
