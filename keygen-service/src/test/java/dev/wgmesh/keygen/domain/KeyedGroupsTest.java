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
    void aRevisionAtOrBelowTheKeyedOneCountsAsKeyed() {
        assertThat(keyed.alreadyKeyed(GROUP, 1)).isFalse();

        keyed.remember(keys(3));

        assertThat(keyed.alreadyKeyed(GROUP, 2)).isTrue();
        assertThat(keyed.alreadyKeyed(GROUP, 3)).isTrue();
        assertThat(keyed.alreadyKeyed(GROUP, 4)).isFalse();
        assertThat(keyed.alreadyKeyed(GroupName.parse("other"), 1)).isFalse();
    }

    @Test
    void keepsTheNewestKeysAndForgetsOnTombstones() {
        HostGroupKeysGenerated newer = keys(5);
        keyed.remember(newer);
        keyed.remember(keys(4));

        assertThat(keyed.get(GROUP)).contains(newer);

        keyed.forget(GROUP);
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
        assertThat(keyed.alreadyKeyed(GROUP, 3)).as("a replay of the last upsert").isTrue();
    }

    private HostGroupKeysGenerated keys(long revision) {
        return keyring.next(null, GroupKeyringTest.change(revision, ChangeCause.UPSERT, null, GroupKeyringTest.spec(true, "a")));
    }
}
