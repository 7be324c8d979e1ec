package dev.wgmesh.common.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

    @Test
    void anIpv4EndpointParses() {
        Endpoint endpoint = Endpoint.parse("192.168.8.161:51821");

        assertThat(endpoint.host()).isEqualTo("192.168.8.161");
        assertThat(endpoint.port()).isEqualTo(51821);
        assertThat(endpoint).hasToString("192.168.8.161:51821");
    }

    @Test
    void anIpv6EndpointNeedsBracketsAndKeepsThem() {
        Endpoint endpoint = Endpoint.parse("[2001:db8::1]:51820");

        assertThat(endpoint.host()).isEqualTo("2001:db8::1");
        assertThat(endpoint.port()).isEqualTo(51820);
        assertThat(endpoint).hasToString("[2001:db8::1]:51820");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vpn.example.com:51820", "localhost:1", "host-1:65535", "A1.Example.ORG:443", "zima0101.lan:51821",
            "0.0.0.0:1", "255.255.255.255:1", "10.0.0.100:2", "3com.example:1", "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.example:1"})
    void dnsNamesAreAccepted(String text) {
        Endpoint endpoint = Endpoint.parse(text);

        assertThat(endpoint).hasToString(text);
        assertThat(text).startsWith(endpoint.host() + ":");
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.168.8.161", "vpn.example.com", "[2001:db8::1]", "192.168.8.161:", ":51820",
            "2001:db8::1:51820", "[2001:db8::1]51820", "[192.0.2.1]:51820", "192.0.2.1:0", "192.0.2.1:65536",
            "192.0.2.1:99999", "192.0.2.1:-1", "192.0.2.1:port", "192.0.2.1:5182O", "bad_name:51820",
            "-lead.example.com:1", "a..b:1", "host name:1", "hôst.example:1", "", "256.1.1.1:51820", "10.0.0:1",
            "trail-.example.com:1", "example.com.:1", "01.2.3.4:1", "1.2.3.4.:1", "1.2.3.4.5:1",
            "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.example:1"})
    void badEndpointsAreRejectedQuotingTheInput(String text) {
        assertThatThrownBy(() -> Endpoint.parse(text)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("\"" + text + "\"");
    }

    @Test
    void theConstructorChecksToo() {
        assertThatThrownBy(() -> new Endpoint("192.0.2.1", 0)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new Endpoint("bad name", 1)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("\"bad name\"");
    }

    @Test
    void withPortKeepsTheHost() {
        assertThat(Endpoint.parse("[fd00::1]:51821").withPort(51825)).hasToString("[fd00::1]:51825");
        assertThatThrownBy(() -> Endpoint.parse("192.0.2.1:65535").withPort(65536))
                .isInstanceOf(InvalidValueException.class);
    }

    @Test
    void interfaceNamesHaveAtMost15Characters() {
        assertThat(new InterfaceName("wg0").fileName()).isEqualTo("wg0.conf");
        assertThat(InterfaceName.parse("wg-zima-0101abc")).hasToString("wg-zima-0101abc");
        assertThatThrownBy(() -> InterfaceName.parse("wg-zima-0101abcd")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("\"wg-zima-0101abcd\"").hasMessageContaining("15");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "wg 0", "wg/0", "../wg0", "wg0\n", "wgö"})
    void badInterfaceNamesAreRejected(String name) {
        assertThatThrownBy(() -> new InterfaceName(name)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(InvalidValueException.quote(name));
    }

    @Test
    void quoteEscapesAndCuts() {
        assertThat(InvalidValueException.quote(null)).isEqualTo("null");
        assertThat(InvalidValueException.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(InvalidValueException.quote("x".repeat(100))).isEqualTo("\"" + "x".repeat(80) + "...\"");
        assertThat(InvalidValueException.quote("x\r\n[Interface]\tPreUp\u001b"))
                .isEqualTo("\"x\\r\\n[Interface]\\tPreUp\\u001b\"");
    }
}
