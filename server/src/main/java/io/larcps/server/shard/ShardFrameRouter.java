package io.larcps.server.shard;

import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.server.transport.FrameRouter;
import io.larcps.server.transport.FrameSink;
import org.apache.pekko.actor.typed.ActorRef;

/** Routes data-plane frames to the shard entity of this node that owns them, by message. */
public final class ShardFrameRouter implements FrameRouter {
    private final ShardDirectory<ActorRef<ParameterShard.Command>> directory;

    public ShardFrameRouter(ShardDirectory<ActorRef<ParameterShard.Command>> directory) {
        this.directory = directory;
    }

    @Override
    public void route(TensorFrame frame, FrameSink replyTo) {
        FrameHeader header = frame.header();
        ShardDirectory.Route<ActorRef<ParameterShard.Command>> route = switch (header.getKind()) {
            case GRADIENT_PUSH, INITIAL_WEIGHTS -> directory.byTensor(header.getJobId(), header.getTensorId());
            case PULL_WEIGHTS -> directory.byShard(header.getJobId(), header.getShard());
            default -> new ShardDirectory.Route.Missing<>(ErrorCode.MALFORMED_FRAME,
                    "a parameter server does not accept " + header.getKind() + " frames");
        };
        if (route instanceof ShardDirectory.Route.Found<ActorRef<ParameterShard.Command>> found) {
            found.owner().tell(new ParameterShard.ReceiveFrame(frame, replyTo));
        } else if (route instanceof ShardDirectory.Route.Missing<ActorRef<ParameterShard.Command>> missing) {
            replyTo.sendError(header, missing.code(), missing.message());
            frame.release();
        }
    }
}
