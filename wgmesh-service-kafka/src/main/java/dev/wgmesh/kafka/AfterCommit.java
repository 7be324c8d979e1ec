package dev.wgmesh.kafka;

import java.util.Map;
import org.slf4j.MDC;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Work that must follow a listener's Kafka transaction, not precede it: a service's memory follows its
 * topic, so a rolled-back transaction leaves no trace in it (see TransactionalKafkaConfig).
 */
public final class AfterCommit {

    private AfterCommit() {
    }

    /**
     * Runs {@code work} once the current transaction has committed, never when it rolls back, with the log context
     * of now (the record's, RecordLogContext): a transaction commits a whole poll, after its last record.
     */
    public static void run(Runnable work) {
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                Map<String, String> before = MDC.getCopyOfContextMap();
                MDC.setContextMap(logContext == null ? Map.of() : logContext);
                try {
                    work.run();
                } finally {
                    MDC.setContextMap(before == null ? Map.of() : before);
                }
            }
        });
    }
}
