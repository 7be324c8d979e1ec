package dev.wgmesh.common.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.testing.TestGroups;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenderHostTest {

    @Test
    void oneHostIsRenderedAsTheWholeGroupRendersIt() {
        for (String json : new String[] {TestGroups.hosterJson(5), TestGroups.meshJson(4)}) {
            HostGroupKeysGenerated keyed = TestGroups.keyed("g", 1, TestGroups.spec(json)).event();
            Map<HostName, HostFiles> all = GroupRenderer.render(keyed);
            all.forEach((host, files) -> assertThat(GroupRenderer.renderHost(keyed, host)).contains(files));
        }
    }

    @Test
    void renderingWithThePeerTableGivesWhatRenderAndMeshPeersGiveApart() {
        for (String json : new String[] {TestGroups.hosterJson(5), TestGroups.meshJson(4)}) {
            HostGroupKeysGenerated keyed = TestGroups.keyed("g", 1, TestGroups.spec(json)).event();
            GroupRenderer.Rendering both = GroupRenderer.renderWithPeerTable(keyed);
            assertThat(both.hosts()).isEqualTo(GroupRenderer.render(keyed));
            assertThat(both.meshPeers()).isEqualTo(GroupRenderer.meshPeers(keyed));
        }
        HostGroupKeysGenerated mesh = TestGroups.keyed("g", 1, TestGroups.spec(TestGroups.meshJson(4))).event();
        assertThat(GroupRenderer.renderWithPeerTable(mesh).meshPeers()).isPresent();
    }

    @Test
    void anUnknownHostHasNoFiles() {
        HostGroupKeysGenerated keyed = TestGroups.keyed("g", 1, TestGroups.spec(TestGroups.meshJson(2))).event();
        assertThat(GroupRenderer.renderHost(keyed, HostName.parse("nobody"))).isEmpty();
    }
}
