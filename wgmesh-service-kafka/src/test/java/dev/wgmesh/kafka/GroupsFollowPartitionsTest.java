package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.group.GroupName;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class GroupsFollowPartitionsTest {

    @Test
    void aGroupsPartitionIsTheOneKafkasProducerGivesItsKey() {
        for (int i = 0; i < 500; i++) {
            GroupName group = GroupName.parse("group-" + i);
            for (int partitions : new int[] {1, 3, 6, 12}) {
                assertThat(GroupsFollowPartitions.partitionOf(group, partitions)).as(group + " of " + partitions)
                        .isEqualTo(BuiltInPartitioner.partitionForKey(group.value().getBytes(StandardCharsets.UTF_8),
                                partitions));
            }
        }
    }
}
