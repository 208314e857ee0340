package org.nlbridge.cni;

import java.util.List;

/** For tests of other packages: what the installer packs. */
public final class CniInstallAccess {
    private CniInstallAccess() {}

    public static List<String> shimClasses() {
        return CniInstall.SHIM_CLASSES;
    }
}
