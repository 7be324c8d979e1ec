package dev.wgmesh.cli.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortTest {

    @Test
    void aFreePortIsBelowTheOutgoingConnectionsRangeNeverTheSameTwiceAndBindable() throws IOException {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = BrokerProcess.freePort();
            assertThat(port).isBetween(BrokerProcess.FIRST_PORT, BrokerProcess.LAST_PORT).isLessThan(32768);
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
        }
        int port = BrokerProcess.freePort();
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
