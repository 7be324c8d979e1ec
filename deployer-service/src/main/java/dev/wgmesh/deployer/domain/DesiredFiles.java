package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.wireguard.InterfaceName;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A host's wg-quick files with their secrets filled in, by file name ({@code wg0.conf}). Plaintext
 * secrets live here only while a target applies them, so toString() shows the names alone.
 */
public final class DesiredFiles {

    private final Map<String, byte[]> files;

    private DesiredFiles(Map<String, byte[]> files) {
        this.files = Collections.unmodifiableMap(files);
    }

    public static DesiredFiles none() {
        return new DesiredFiles(new TreeMap<>());
    }

    public static DesiredFiles of(Map<InterfaceName, byte[]> byInterface) {
        Map<String, byte[]> files = new TreeMap<>();
        byInterface.forEach((name, content) -> files.put(name.fileName(), content.clone()));
        return new DesiredFiles(files);
    }

    /** File name to content; the arrays are the caller's to read, not to keep. */
    public Map<String, byte[]> files() {
        return files;
    }

    @Override
    public String toString() {
        return "DesiredFiles" + files.keySet();
    }
}
