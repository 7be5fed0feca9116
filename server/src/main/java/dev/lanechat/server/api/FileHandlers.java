package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.files.StoredFile;
import dev.lanechat.server.files.UploadCheck;
import dev.lanechat.server.files.Uploads;
import dev.lanechat.server.tasks.TaskQueries;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Uploads and downloads: always as an attachment, never rendered by the browser as a page of ours. */
final class FileHandlers {
    /** The body limit of {@code POST /api/uploads}: the largest image (the global limit is for JSON). */
    static final int MAX_UPLOAD_BODY = UploadCheck.MAX_IMAGE_BYTES;

    private final FileRepository files;
    private final Uploads uploads;
    private final TaskQueries tasks;

    FileHandlers(FileRepository files, Uploads uploads, TaskQueries tasks) {
        this.files = files;
        this.uploads = uploads;
        this.tasks = tasks;
    }

    void download(Context ctx) {
        send(ctx, files.find(CurrentUser.id(ctx), ctx.pathParam("id")).orElseThrow(() -> Rejection.notFound("file")));
    }

    /** {@code POST /api/uploads?name=FILE_NAME} with the file's bytes as the body (E14): 201 its file object. */
    void upload(Context ctx) {
        String name = UploadCheck.checkName(ctx.queryParam("name"));
        byte[] data = JsonBody.readBounded(ctx, MAX_UPLOAD_BODY);
        ctx.status(201).json(uploads.upload(CurrentUser.id(ctx), name, ctx.contentType(), data));
    }

    /**
     * {@code GET /api/tasks/{id}/files/{file_id}} for a worker (E14): a file attached to the message
     * of a running task of a lane it serves ({@link WorkerTaskAccess#workerLane}); else 404.
     */
    void taskFile(Context ctx) {
        String taskId = ctx.pathParam("id");
        String messageId = tasks.runningTaskMessage(taskId).orElseThrow(() -> Rejection.notFound("running task"));
        send(
                ctx,
                files.findOnMessage(messageId, ctx.pathParam("file_id"))
                        .orElseThrow(() -> Rejection.notFound("file on this task")));
    }

    private static void send(Context ctx, StoredFile file) {
        String name = file.info().name();
        String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        ctx.header("Content-Disposition", "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(file.info().contentType());
        ctx.result(file.data());
    }
}
