package dev.wgmesh.keygen;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** keygen-service: keys every host group, keeps the keys across changes, seals the secrets to the deployers. */
@SpringBootApplication
public class KeygenApplication {

    public static void main(String[] args) {
        SpringApplication.run(KeygenApplication.class, args);
    }
}
