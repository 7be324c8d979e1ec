package dev.wgmesh.config.domain;

import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hosts keep their slot across changes (addresses, ports and names derive from it); new hosts are appended. */
final class Slots {

    private Slots() {
    }

    /**
     * @param current the group as it is now, or null when it does not exist
     * @param parsed  the requested group, hosts in request order
     */
    static HostGroupSpec assign(HostGroupSpec current, HostGroupSpec parsed) {
        Map<HostName, Integer> known = new HashMap<>();
        int last = 0;
        if (current != null) {
            for (Host host : current.hosts()) {
                known.put(host.name(), host.slot());
                last = Math.max(last, host.slot());
            }
        }
        List<Host> hosts = new ArrayList<>(parsed.hosts().size());
        for (Host host : parsed.hosts()) {
            Integer slot = known.get(host.name());
            hosts.add(host.withSlot(slot != null ? slot : ++last));
        }
        return parsed.withHosts(hosts);
    }
}
