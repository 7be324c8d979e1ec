package dev.wgmesh.common.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.group.HostName;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WgConfigTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X25519Keys.KeyPair own = X25519Keys.generate(RANDOM);
    private final X25519Keys.KeyPair first = X25519Keys.generate(RANDOM);
    private final X25519Keys.KeyPair second = X25519Keys.generate(RANDOM);
    private final SecretKey psk = X25519Keys.generate(RANDOM).privateKey();

    private WgConfig config(Integer mtu) {
        return new WgConfig(new InterfaceName("wg-zima-0101"),
                List.of(InterfaceAddress.parse("198.19.1.10/24"), InterfaceAddress.parse("fd00:19::a/64")), 51821, mtu,
                List.of(new WgConfig.Peer(HostName.parse("hoster-zima-0102"), first.publicKey(), true,
                                List.of(Cidr.parse("198.19.1.11/32"), Cidr.parse("10.10.102.0/24")),
                                Endpoint.parse("192.168.8.162:51821"), 25),
                        new WgConfig.Peer(HostName.parse("hoster-zima-0103"), second.publicKey(), false,
                                List.of(Cidr.parse("198.19.1.12/32")), Endpoint.parse("[2001:db8::3]:51821"), null)));
    }

    @Test
    void writeThenParseGivesTheSameValues() {
        WgConfig config = config(1420);

        String text = WgConfigWriter.write(config, own.privateKey(), key -> psk);
        WgConfigParser.ParsedConfig parsed = WgConfigParser.parse(text);

        assertThat(parsed.addresses()).isEqualTo(config.addresses());
        assertThat(parsed.listenPort()).isEqualTo(51821);
        assertThat(parsed.mtu()).isEqualTo(1420);
        assertThat(parsed.privateKey()).isEqualTo(own.privateKey());
        assertThat(parsed.peers()).hasSize(2);
        WgConfigParser.ParsedPeer one = parsed.peers().get(0);
        assertThat(one.publicKey()).isEqualTo(first.publicKey());
        assertThat(one.presharedKey()).isEqualTo(psk);
        assertThat(one.allowedIps()).isEqualTo(config.peers().get(0).allowedIps());
        assertThat(one.endpoint()).isEqualTo(Endpoint.parse("192.168.8.162:51821"));
        assertThat(one.persistentKeepalive()).isEqualTo(25);
        WgConfigParser.ParsedPeer two = parsed.peers().get(1);
        assertThat(two.publicKey()).isEqualTo(second.publicKey());
        assertThat(two.presharedKey()).isNull();
        assertThat(two.endpoint()).hasToString("[2001:db8::3]:51821");
        assertThat(two.persistentKeepalive()).isNull();
    }

    @Test
    void theFileHasWgQuicksKeysAndAsksOnlyForUsedPresharedKeys() {
        Map<PublicKey, SecretKey> asked = new java.util.HashMap<>();

        String text = WgConfigWriter.write(config(null), own.privateKey(), key -> {
            asked.put(key, psk);
            return psk;
        });

        assertThat(asked).containsOnlyKeys(first.publicKey());
        assertThat(text).contains("[Interface]\n", "Address = 198.19.1.10/24, fd00:19::a/64\n", "ListenPort = 51821\n",
                "PrivateKey = " + own.privateKey().base64() + "\n", "[Peer]\n",
                "AllowedIPs = 198.19.1.11/32, 10.10.102.0/24\n", "Endpoint = [2001:db8::3]:51821\n",
                "PersistentKeepalive = 25\n", "# hoster-zima-0102\n")
                .doesNotContain("MTU");
        assertThat(text.lines().filter(l -> l.startsWith("PresharedKey = "))).hasSize(1);
    }

    @Test
    void aConfigHasNoSecretsInItsToString() {
        String text = WgConfigWriter.write(config(1420), own.privateKey(), key -> psk);
        WgConfigParser.ParsedConfig parsed = WgConfigParser.parse(text);

        assertThat(parsed.toString()).doesNotContain(own.privateKey().base64()).doesNotContain(psk.base64());
        assertThat(config(1420).toString()).doesNotContain(own.privateKey().base64());
    }

    @Test
    void parseErrorsNameTheLineButNeverQuoteAKey() {
        String secret = own.privateKey().base64();
        String broken = "[Interface]\nPrivateKey = " + secret.substring(0, 43) + "\n";

        assertThatThrownBy(() -> WgConfigParser.parse(broken)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("line 2").message().doesNotContain(secret.substring(0, 20));
        assertThatThrownBy(() -> WgConfigParser.parse("[Interface]\nListenPort = 70000\n"))
                .hasMessageContaining("line 2").hasMessageContaining("70000");
        assertThatThrownBy(() -> WgConfigParser.parse("[Peer]\nAllowedIPs = 10.0.0.0/8\n"))
                .hasMessageContaining("without PublicKey");
        assertThatThrownBy(() -> WgConfigParser.parse("ListenPort = 1\n")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> WgConfigParser.parse("[Interface]\nTable = off\n")).hasMessageContaining("unknown key");
    }

    @Test
    void configsCheckTheirRanges() {
        assertThatThrownBy(() -> new WgConfig(new InterfaceName("wg0"), List.of(), 0, null, List.of()))
                .isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new WgConfig(new InterfaceName("wg0"), List.of(), 51820, 1279, List.of()))
                .isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new WgConfig.Peer(HostName.parse("h"), first.publicKey(), false, List.of(),
                Endpoint.parse("192.0.2.1:1"), 65536)).isInstanceOf(InvalidValueException.class);
    }

    /** Every field the writer writes: the keys of a file, and the two comments' values. */
    private static final List<String> FIELDS = List.of("interface name", "Address", "ListenPort", "PrivateKey", "MTU",
            "peer name", "PublicKey", "PresharedKey", "AllowedIPs", "Endpoint", "PersistentKeepalive");

    static Stream<Arguments> injections() {
        return FIELDS.stream().flatMap(field -> Stream.of("x\n[Interface]\nPreUp = touch /tmp/wgmesh-pwned",
                "x\r\nPostUp = touch /tmp/wgmesh-pwned", "x\rDNS = 1.1.1.1", "51820 # Table = off", "#")
                .map(value -> Arguments.of(field, value)));
    }

    @ParameterizedTest
    @MethodSource("injections")
    void theWriterRefusesALineBreakOrHashInAnyValue(String field, String value) {
        assertThatThrownBy(() -> WgConfigWriter.value(field, value)).isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith(field + " ").hasMessageContaining("line break or '#'")
                .message().doesNotContain("\n").doesNotContain("\r");
        String shown = InvalidValueException.quote(value);
        if (field.endsWith("Key")) {
            assertThatThrownBy(() -> WgConfigWriter.value(field, value)).message().doesNotContain(shown);
        } else {
            assertThatThrownBy(() -> WgConfigWriter.value(field, value)).hasMessageContaining(shown);
        }
    }

    @Test
    void theTableNamesEveryFieldTheWriterWrites() {
        String text = WgConfigWriter.write(config(1420), own.privateKey(), key -> psk);

        Set<String> keys = text.lines().filter(l -> l.contains(" = ")).map(l -> l.substring(0, l.indexOf(" = ")))
                .collect(Collectors.toSet());
        assertThat(keys).containsExactlyInAnyOrderElementsOf(
                FIELDS.stream().filter(f -> !f.contains(" ")).toList());
        assertThat(text.lines().filter(l -> l.startsWith("# "))).hasSize(3);
        assertThat(WgConfigWriter.value("Endpoint", Endpoint.parse("[2001:db8::3]:51821")))
                .isEqualTo("[2001:db8::3]:51821");
    }
}
