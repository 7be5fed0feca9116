package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.files.StoredFile;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Downloads: always as an attachment, never rendered by the browser as a page of ours. */
final class FileHandlers {
    private final FileRepository files;

    FileHandlers(FileRepository files) {
        this.files = files;
    }

    void download(Context ctx) {
        StoredFile file =
                files.find(CurrentUser.id(ctx), ctx.pathParam("id")).orElseThrow(() -> Rejection.notFound("file"));
        String name = file.info().name();
        String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        ctx.header("Content-Disposition", "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(file.info().contentType());
        ctx.result(file.data());
    }
}
