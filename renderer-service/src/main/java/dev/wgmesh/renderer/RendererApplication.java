package dev.wgmesh.renderer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Turns each keyed group into one desired config per host, publishing only what changed. */
@SpringBootApplication
public class RendererApplication {

    public static void main(String[] args) {
        SpringApplication.run(RendererApplication.class, args);
    }
}
