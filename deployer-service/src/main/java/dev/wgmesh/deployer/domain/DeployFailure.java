package dev.wgmesh.deployer.domain;

/** A business failure of one deployment; its message becomes the FAILED report's reason, so it holds no secret. */
public class DeployFailure extends Exception {

    public DeployFailure(String reason) {
        super(reason);
    }
}
