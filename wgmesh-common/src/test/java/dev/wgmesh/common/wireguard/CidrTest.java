package dev.wgmesh.common.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @Test
    void anIpv4NetworkParses() {
        Cidr cidr = Cidr.parse("10.10.101.0/24");

        assertThat(cidr.isIpv4()).isTrue();
        assertThat(cidr.prefix()).isEqualTo(24);
        assertThat(cidr.bits()).isEqualTo(32);
        assertThat(cidr.size()).isEqualTo(256);
        assertThat(cidr).hasToString("10.10.101.0/24").isEqualTo(Cidr.parse("10.10.101.0/24"));
    }

    @Test
    void anIpv6NetworkParsesAndPrintsInShortForm() {
        Cidr cidr = Cidr.parse("fd00:0:0:1:0:0:0:0/64");

        assertThat(cidr.isIpv4()).isFalse();
        assertThat(cidr.bits()).isEqualTo(128);
        assertThat(cidr).hasToString("fd00:0:0:1::/64");
        assertThat(Cidr.parse("2001:db8::/32")).hasToString("2001:db8::/32");
        assertThat(Cidr.parse("::/0")).hasToString("::/0");
        assertThat(Cidr.parse("::/0").size()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aSingleAddressIsAHostRoute() throws Exception {
        assertThat(Cidr.parse("198.19.1.11/32")).isEqualTo(Cidr.host(InetAddress.getByName("198.19.1.11")));
        assertThat(Cidr.host(InetAddress.getByName("fd00::1"))).hasToString("fd00::1/128");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.10.101.1/24", "11.0.0.0/7", "fd00::1/64", "198.19.1.10/24"})
    void hostBitsAreRejectedQuotingTheValue(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("\"" + text + "\"").hasMessageContaining("host bits");
    }

    @Test
    void theHostBitsMessageNamesTheNetwork() {
        assertThatThrownBy(() -> Cidr.parse("10.10.101.7/24")).hasMessageContaining("10.10.101.0/24");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0", "10.0.0.0/33", "10.0.0/8", "10.0.0.0.0/8", "256.0.0.0/8", "abc/8",
            "10.0.0.0/-1", "10.0.0.0/ 8", "fd00::/129", "fd00::g/64", "example.com/24", "fe80::%eth0/64", "10.0.0.0/8/8",
            "010.0.0.0/8", "10.00.0.0/16", "10.0.0.0./8", "1.2.3.4 /32"})
    void malformedNetworksAreRejectedQuotingTheValue(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(InvalidValueException.quote(text));
    }

    @Test
    void overlapsWhenOneContainsTheOther() {
        Cidr wide = Cidr.parse("10.0.0.0/8");
        Cidr narrow = Cidr.parse("10.1.0.0/16");

        assertThat(wide.overlaps(narrow)).isTrue();
        assertThat(narrow.overlaps(wide)).isTrue();
        assertThat(wide.overlaps(wide)).isTrue();
        assertThat(Cidr.parse("10.0.0.0/24").overlaps(Cidr.parse("10.0.1.0/24"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").overlaps(Cidr.parse("::/0"))).isFalse();
        assertThat(Cidr.parse("fd00::/8").overlaps(Cidr.parse("fd12::/16"))).isTrue();
    }

    @Test
    void containsChecksAddressAndFamily() throws Exception {
        Cidr cidr = Cidr.parse("198.19.1.0/24");

        assertThat(cidr.contains(InetAddress.getByName("198.19.1.255"))).isTrue();
        assertThat(cidr.contains(InetAddress.getByName("198.19.2.0"))).isFalse();
        assertThat(cidr.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(Cidr.parse("fd00::/64").contains(InetAddress.getByName("fd00::ffff"))).isTrue();
    }

    @Test
    void interfaceAddressKeepsItsHostBitsAndKnowsItsNetwork() {
        InterfaceAddress address = InterfaceAddress.parse("198.19.1.10/24");

        assertThat(address).hasToString("198.19.1.10/24");
        assertThat(address.network()).isEqualTo(Cidr.parse("198.19.1.0/24"));
        assertThat(address.asHostRoute()).isEqualTo(Cidr.parse("198.19.1.10/32"));
        assertThat(InterfaceAddress.parse("fd00::1:2/64").network()).hasToString("fd00::/64");
    }

    @Test
    void interfaceAddressPlusMovesTheAddressAndKeepsThePrefix() {
        InterfaceAddress address = InterfaceAddress.parse("198.19.1.10/24");

        assertThat(address.plus(1)).hasToString("198.19.1.11/24");
        assertThat(address.plus(0)).isEqualTo(address);
        assertThat(address.plus(250)).hasToString("198.19.2.4/24"); // may leave the network: callers check
        assertThat(address.plus(-10)).hasToString("198.19.1.0/24");
        assertThat(InterfaceAddress.parse("fd00::ffff/64").plus(1)).hasToString("fd00::1:0/64");
    }

    @Test
    void interfaceAddressPlusFailsOutsideTheAddressSpace() {
        assertThatThrownBy(() -> InterfaceAddress.parse("255.255.255.255/32").plus(1))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("leaves the address space");
        assertThatThrownBy(() -> InterfaceAddress.parse("0.0.0.1/8").plus(-2)).isInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.19.1.10", "198.19.1.10/33", "198.19.1/24", "host/24", "/24"})
    void malformedInterfaceAddressesAreRejectedQuotingTheValue(String text) {
        assertThatThrownBy(() -> InterfaceAddress.parse(text)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("\"" + text + "\"");
    }
}
