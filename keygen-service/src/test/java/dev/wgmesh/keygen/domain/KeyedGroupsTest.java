package dev.wgmesh.keygen.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.group.GroupName;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class KeyedGroupsTest {

    private static final GroupName GROUP = GroupName.parse("lab");

    private final GroupKeyring keyring =
            new GroupKeyring(new SecureRandom(), X25519Keys.generate(new SecureRandom()).publicKey(), Clock.systemUTC());
    private final KeyedGroups keyed = new KeyedGroups();

    @Test
    void knowsTheLastKeyedRevisionOfEachGroup() {
        assertThat(keyed.get(GROUP)).isEmpty();

        keyed.remember(keys(3));
        keyed.remember(keys(2));

        assertThat(keyed.get(GROUP)).get().extracting(HostGroupKeysGenerated::revision).isEqualTo(3L);
        assertThat(keyed.get(GroupName.parse("other"))).isEmpty();
    }

    @Test
    void keepsTheNewestKeysAndForgetsOnTombstones() {
        HostGroupKeysGenerated newer = keys(5);
        keyed.remember(newer);
        keyed.remember(keys(4));

        assertThat(keyed.get(GROUP)).contains(newer);

        keyed.forget(GROUP::equals);
        assertThat(keyed.get(GROUP)).isEmpty();
        assertThat(keyed.size()).isZero();
    }

    @Test
    void aDeletedGroupKeepsOnlyItsRevisionToScreenOutReplays() {
        HostGroupKeysGenerated kept = keys(3);
        keyed.remember(kept);

        keyed.remember(keyring.next(kept, GroupKeyringTest.change(4, ChangeCause.DELETE, null, null)));

        HostGroupKeysGenerated deleted = keyed.get(GROUP).orElseThrow();
        assertThat(deleted.spec()).isNull();
        assertThat(deleted.hosts()).isEmpty();
        assertThat(deleted.presharedKeySeed()).isNull();
        assertThat(deleted.revision()).as("what screens out a replay of the last upsert").isEqualTo(4);
    }

    private HostGroupKeysGenerated keys(long revision) {
        return keyring.next(null, GroupKeyringTest.change(revision, ChangeCause.UPSERT, null, GroupKeyringTest.spec(true, "a")));
    }
}
