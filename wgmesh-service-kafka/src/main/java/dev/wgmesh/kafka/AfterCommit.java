package dev.wgmesh.kafka;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Work that must follow a listener's Kafka transaction, not precede it: a service's memory follows its
 * topic, so a rolled-back transaction leaves no trace in it (see TransactionalKafkaConfig).
 */
public final class AfterCommit {

    private AfterCommit() {
    }

    /** Runs {@code work} once the current transaction has committed; never when it rolls back. */
    public static void run(Runnable work) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                work.run();
            }
        });
    }
}
