package dev.wgmesh.cli;

import java.nio.file.Path;

/**
 * Where the command works: the checkout whose services' jars it runs ({@code -Dwgmesh.home}, set by ./wgmesh; else
 * the current folder) and the data folder up writes ({@code -Dwgmesh.data-dir}; else wgmesh-data in the checkout).
 */
public final class Checkout {

    private Checkout() {
    }

    public static Path home() {
        return Path.of(System.getProperty("wgmesh.home", ".")).toAbsolutePath().normalize();
    }

    public static Path dataDir() {
        return Path.of(System.getProperty("wgmesh.data-dir", home().resolve("wgmesh-data").toString()))
                .toAbsolutePath().normalize();
    }
}
