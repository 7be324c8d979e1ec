package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.kafka.testing.TestBroker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two config-service replicas on one broker, writers on both at once: one replica decides each group's
 * changes, so revisions stay 1..N with no gap or twin, an If-Match wins once per revision, and an answer
 * the client got is the change that was published.
 */
class TwoReplicasTest {

    private static final String GROUP = "/api/v1/groups/race";

    /** An accepted answer's revision, or -status for anything else. */
    private record Answer(int status, long revision) {
    }

    @Test
    void writersOnTwoReplicasNeverShareARevision() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        try (ConfigurableApplicationContext a = RestartTest.start()) {
            TestHttp httpA = RestartTest.http(a);
            assertThat(httpA.put(GROUP, GroupApiTest.HOSTER_GROUP).status()).isEqualTo(201);
            answers.add(new Answer(201, 1));

            // writers start on the first replica; the second joins meanwhile and takes some partitions over
            List<Future<?>> writers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                writers.add(pool.submit(writer(httpA, 12, answers)));
            }
            try (ConfigurableApplicationContext b = RestartTest.start()) {
                TestHttp httpB = RestartTest.http(b);
                for (int i = 0; i < 2; i++) {
                    writers.add(pool.submit(writer(httpB, 12, answers)));
                    writers.add(pool.submit(writer(httpA, 6, answers)));
                }
                for (Future<?> writer : writers) {
                    writer.get();
                }

                // If-Match: of many clients that read the same revision, exactly one wins, on either replica
                for (int round = 0; round < 3; round++) {
                    String etag = settledEtag(httpA, httpB);
                    long read = Long.parseLong(etag.replace("\"", ""));
                    List<Future<TestHttp.Response>> puts = new ArrayList<>();
                    CountDownLatch go = new CountDownLatch(1);
                    for (int i = 0; i < 8; i++) {
                        TestHttp http = i % 2 == 0 ? httpA : httpB;
                        puts.add(pool.submit(() -> {
                            go.await();
                            return http.put(GROUP, GroupApiTest.HOSTER_GROUP, "If-Match", etag);
                        }));
                    }
                    go.countDown();
                    List<Integer> statuses = new ArrayList<>();
                    for (Future<TestHttp.Response> put : puts) {
                        TestHttp.Response response = put.get();
                        statuses.add(response.status());
                        if (response.status() == 200) {
                            assertThat(response.etag()).isEqualTo("\"" + (read + 1) + "\"");
                            answers.add(new Answer(200, read + 1));
                        } else {
                            assertThat(response.contentType()).startsWith("application/problem+json");
                        }
                    }
                    assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
                    assertThat(statuses).filteredOn(s -> s == 412).hasSize(7);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        List<Long> published = new TestKafka(TestBroker.brokers()).records(Topics.HOST_GROUP_CHANGED, "race").stream()
                .map(r -> EventJson.read(r.value(), HostGroupChanged.class).revision()).toList();
        List<Long> accepted = answers.stream().filter(x -> x.status() < 300).map(Answer::revision).sorted().toList();
        System.out.printf("two replicas: %d changes published, %d answers, %d of them 503%n", published.size(), answers.size(),
                answers.stream().filter(x -> x.status() == 503).count());
        assertThat(published).containsExactlyElementsOf(LongStream.rangeClosed(1, published.size()).boxed().toList());
        // every accepted answer is one published revision, and nothing was published that no one was told about
        assertThat(accepted).containsExactlyElementsOf(published);
        assertThat(answers).allMatch(x -> x.status() < 300 || x.status() == 503, "only accepted or 503");
    }

    /** Replaces the group or rotates its keys, without If-Match: every call should win. */
    private static Callable<Void> writer(TestHttp http, int calls, List<Answer> answers) {
        return () -> {
            for (int i = 0; i < calls; i++) {
                TestHttp.Response response = i % 3 == 2 ? http.post(GROUP + "/rotate-keys") : http.put(GROUP, GroupApiTest.HOSTER_GROUP);
                answers.add(response.status() < 300
                        ? new Answer(response.status(), response.json().get("revision").longValue())
                        : new Answer(response.status(), -1));
            }
            return null;
        };
    }

    /**
     * The group's ETag once both replicas' read views agree: reads follow the published changes a moment
     * later, and a client that read a revision another replica had already passed would rightly get 412.
     */
    private static String settledEtag(TestHttp a, TestHttp b) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            String etag = a.get(GROUP).etag();
            if (etag.equals(b.get(GROUP).etag())) {
                return etag;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the two replicas' views of " + GROUP + " did not agree within 10 s");
    }
}
