package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.common.wireguard.WgConfigParser;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedConfig;
import dev.wgmesh.deployer.domain.HostObservation.ObservedInterface;
import dev.wgmesh.deployer.domain.HostObservation.ObservedPeer;
import dev.wgmesh.deployer.domain.HostObservation.State;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Writes {@code <out>/<group>/<host>/<interface>.conf}: 0600 files in 0700 folders, each replaced
 * atomically and only when its bytes differ; a .conf the host no longer has is deleted.
 */
public final class FileTarget implements Target {

    /** A 2,000-host mesh's file is about half a megabyte. */
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;
    private static final Pattern VALID_NAME = Pattern.compile("[a-zA-Z0-9_=+-][a-zA-Z0-9_=+.-]{0,14}");

    private final Path outDir;

    public FileTarget(Path outDir) {
        this.outDir = outDir;
    }

    public Path hostDir(HostRef host) {
        return outDir.resolve(host.group().value()).resolve(host.host().value());
    }

    @Override
    public String apply(HostRef host, DesiredFiles desired) throws IOException {
        Path dir = hostDir(host);
        PrivateFiles.createDirectory(dir);
        List<String> added = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : desired.files().entrySet()) {
            Path path = dir.resolve(file.getKey());
            String name = interfaceName(file.getKey());
            if (!Files.exists(path)) {
                PrivateFiles.writeAtomically(path, file.getValue());
                added.add(name);
            } else if (!Arrays.equals(Files.readAllBytes(path), file.getValue())) {
                PrivateFiles.writeAtomically(path, file.getValue());
                updated.add(name);
            } else {
                if (!Files.getPosixFilePermissions(path).equals(PrivateFiles.FILE_MODE)) {
                    Files.setPosixFilePermissions(path, PrivateFiles.FILE_MODE);
                }
                unchanged.add(name);
            }
        }
        for (Path path : existing(dir)) {
            String fileName = path.getFileName().toString();
            if (fileName.endsWith(".conf") && !desired.files().containsKey(fileName)) {
                Files.delete(path);
                removed.add(interfaceName(fileName));
            } else if (fileName.startsWith(".") && fileName.endsWith(PrivateFiles.TEMP_SUFFIX)) {
                Files.delete(path); // left by a crash between creating and renaming a temp file
            }
        }
        if (!added.isEmpty() || !updated.isEmpty() || !removed.isEmpty()) {
            PrivateFiles.syncDirectory(dir);
        }
        return "added " + added + ", updated " + updated + ", removed " + removed + ", unchanged " + unchanged;
    }

    @Override
    public String remove(HostRef host) throws IOException {
        Path dir = hostDir(host);
        if (!Files.exists(dir)) {
            return "nothing to remove";
        }
        TreeSet<String> names = new TreeSet<>();
        for (Path path : existing(dir)) {
            String fileName = path.getFileName().toString();
            if (fileName.endsWith(".conf")) {
                names.add(interfaceName(fileName));
            }
        }
        PrivateFiles.deleteRecursively(dir);
        // the group's last host takes the group's folder with it
        Path groupDir = dir.getParent();
        boolean groupGone = PrivateFiles.deleteIfEmpty(groupDir);
        PrivateFiles.syncDirectory(groupGone ? outDir : groupDir);
        return "removed " + names + " and the host folder" + (groupGone ? " and the group folder" : "");
    }

    /**
     * Reads the host's files back: each {@code .conf} as wg-quick would take it. A file whose bytes are the declared
     * file's is not parsed: nothing in it can differ (a 1,000-host mesh's file is 150 KB, looked at every 30 s).
     */
    @Override
    public HostObservation observe(HostRef host, ExpectedHost expected) throws IOException {
        Path dir = hostDir(host);
        List<ObservedInterface> interfaces = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            for (Path path : existing(dir)) {
                String fileName = path.getFileName().toString();
                // only what wgmesh could have written: <interface>.conf
                if (fileName.endsWith(".conf") && VALID_NAME.matcher(interfaceName(fileName)).matches()) {
                    InterfaceName name = InterfaceName.parse(interfaceName(fileName));
                    read(name, path, expected.fileSha256(name)).ifPresent(interfaces::add);
                }
            }
        }
        return new HostObservation(interfaces, false);
    }

    /** @param declaredSha256 the hex SHA-256 of the declared file, null when none is declared */
    private static Optional<ObservedInterface> read(InterfaceName name, Path path, String declaredSha256)
            throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted while we looked
        }
        String sha = ExpectedHost.sha256(bytes);
        if (bytes.length > MAX_FILE_BYTES) {
            return Optional.of(unreadable(name, sha, "larger than " + MAX_FILE_BYTES + " bytes"));
        }
        if (sha.equals(declaredSha256)) {
            return Optional.of(new ObservedInterface(name, State.AS_DECLARED, null, null, null, sha, List.of(), List.of(),
                    null));
        }
        ParsedConfig config;
        try {
            config = WgConfigParser.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (InvalidValueException e) {
            return Optional.of(unreadable(name, sha, e.getMessage()));
        }
        List<ObservedPeer> peers = config.peers().stream().map(peer -> new ObservedPeer(peer.publicKey(),
                ExpectedHost.presharedKeySha256(peer.presharedKey()), peer.endpoint(), peer.allowedIps(), 0, 0, 0,
                peer.persistentKeepalive() == null || peer.persistentKeepalive() == 0 ? null : peer.persistentKeepalive()))
                .toList();
        return Optional.of(new ObservedInterface(name, State.UP, config.listenPort(),
                config.privateKey() == null ? null : X25519Keys.publicKeyOf(config.privateKey()), config.mtu(), sha,
                config.addresses(), peers, null));
    }

    private static ObservedInterface unreadable(InterfaceName name, String sha, String problem) {
        return new ObservedInterface(name, State.UNREADABLE, null, null, null, sha, List.of(), List.of(), problem);
    }

    private static List<Path> existing(Path dir) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(paths::add);
        }
        return paths;
    }

    private static String interfaceName(String fileName) {
        return fileName.substring(0, fileName.length() - ".conf".length());
    }
}
