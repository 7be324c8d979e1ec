package dev.wgmesh.deployer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Applies every host's rendered configs through a target and reports each outcome. */
@SpringBootApplication
public class DeployerApplication {

    public static void main(String[] args) {
        SpringApplication.run(DeployerApplication.class, args);
    }
}
