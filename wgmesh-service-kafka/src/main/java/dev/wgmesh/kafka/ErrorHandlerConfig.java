package dev.wgmesh.kafka;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/** For the services whose listeners run without transactions (config, deployer): their one error handler. */
@Configuration(proxyBeanMethods = false)
public class ErrorHandlerConfig {

    /**
     * Invalid records go to the topic's DLT at once, counted in wgmesh.dead.letters
     * ({@code wgmesh_dead_letters_total} on /actuator/prometheus); anything else (a report the broker does not take, say) is
     * retried 6 times with pauses from 0.5 s doubling up to 10 s, then sent to the DLT. The partition goes on.
     */
    @Bean
    DefaultErrorHandler errorHandler(DeadLetters deadLetters) {
        var backOff = new ExponentialBackOffWithMaxRetries(6);
        backOff.setInitialInterval(500);
        backOff.setMultiplier(2);
        backOff.setMaxInterval(10_000);
        var handler = new DefaultErrorHandler(deadLetters, backOff);
        DeadLetters.neverRetryInvalidRecords(handler);
        return handler;
    }
}
