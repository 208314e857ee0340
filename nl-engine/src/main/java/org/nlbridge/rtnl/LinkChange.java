package org.nlbridge.rtnl;

import org.nlbridge.net.IfName;

/**
 * The subject of a link request that is not a create, named in its failure: {@code link br0 (mtu 1400)},
 * {@code link #7 (down)}. Built only from references, so it costs one small object per request.
 */
record LinkChange(IfName name, int index, String change, Object value) {

    @Override
    public String toString() {
        String link = "link " + (name != null ? name.toString() : "#" + index);
        if (change == null) {
            return link;
        }
        return link + " (" + change + (value != null ? " " + value : "") + ")";
    }
}
