package dev.lanechat.server;

import java.util.List;

/** An HTTP route as registered, with the roles it declared (what the route × credential test walks). */
public record DeclaredRoute(String method, String path, List<String> roles) {}
