package dev.wgmesh.config.domain;

/** Where the API's change requests go: to the one replica that decides the group's changes. */
public interface ChangeRequests {

    /**
     * Returns once the change is published, or throws why it was not.
     *
     * @throws RequestRejected       when the change is refused, with every problem
     * @throws PublishFailedException when Kafka did not take the request or no outcome came in time;
     *                                the request is then never applied
     */
    Accepted submit(GroupCommand command);
}
