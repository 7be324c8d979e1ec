package dev.wgmesh.deployer.domain;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes {@code <out>/<group>/<host>/<interface>.conf}: 0600 files in 0700 folders, each replaced
 * atomically and only when its bytes differ; a .conf the host no longer has is deleted.
 */
public final class FileTarget implements Target {

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
