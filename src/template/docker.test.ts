// The examples from docker's "Format command and log output" page and the inspect/images/ps references,
// over data shaped like what docker feeds them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatList, render } from "./index.ts";

const image = {
  Id: "sha256:b6fa739cedf5",
  RepoTags: ["alpine:3.20"],
  Size: 7797760,
  Config: {
    Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    Cmd: ["/bin/sh"],
    Labels: { "com.example": "yes", "org.opencontainers.image.version": "3.20" },
  },
  RootFS: { Type: "layers", Layers: ["sha256:aaa", "sha256:bbb"] },
};

const container = {
  Name: "/Web_App",
  Image: "alpine:3.20",
  Args: ["-c", "sleep 10"],
  LogPath: "/var/lib/hoist/containers/abc/abc-json.log",
  Mounts: [{ Type: "bind", Source: "/src", Destination: "/dst", RW: true }],
  NetworkSettings: {
    Networks: { bridge: { IPAddress: "172.17.0.2", MacAddress: "02:42:ac:11:00:02" } },
    Ports: {
      "8787/tcp": [{ HostIp: "0.0.0.0", HostPort: "8787" }],
      "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }],
    },
  },
};

test("docker inspect --format examples", () => {
  assert.equal(render('{{join .Args " , "}}', container), "-c , sleep 10");
  assert.equal(
    render("{{json .Mounts}}", container),
    '[{"Type":"bind","Source":"/src","Destination":"/dst","RW":true}]',
  );
  assert.equal(render("{{lower .Name}}", container), "/web_app");
  assert.equal(render('{{split .Image ":"}}', container), "[alpine 3.20]");
  assert.equal(render("{{title .Name}}", container), "/Web_App");
  assert.equal(render("{{upper .Name}}", container), "/WEB_APP");
  assert.equal(render("{{range .NetworkSettings.Networks}}{{println .IPAddress}}{{end}}", container), "172.17.0.2\n");
  assert.equal(render("{{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}", container), "02:42:ac:11:00:02");
  assert.equal(render("{{.LogPath}}", container), container.LogPath);
  assert.equal(
    render("{{range $p, $conf := .NetworkSettings.Ports}} {{$p}} -> {{(index $conf 0).HostPort}} {{end}}", container),
    " 80/tcp -> 8080  8787/tcp -> 8787 ",
  );
  assert.equal(render('{{(index (index .NetworkSettings.Ports "8787/tcp") 0).HostPort}}', container), "8787");
});

test("image inspect examples", () => {
  assert.equal(
    render("{{json .Config}}", image),
    '{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"],' +
      '"Labels":{"com.example":"yes","org.opencontainers.image.version":"3.20"}}',
  );
  assert.equal(render("{{range .RootFS.Layers}}{{println .}}{{end}}", image), "sha256:aaa\nsha256:bbb\n");
  assert.equal(render("{{json .RootFS.Layers}}", image), '["sha256:aaa","sha256:bbb"]');
  assert.equal(render("{{.RootFS.Layers}}", image), "[sha256:aaa sha256:bbb]");
  assert.equal(render('{{index .Config.Labels "com.example"}}', image), "yes");
  assert.equal(render('{{index .Config.Labels "missing"}}', image), "");
  assert.equal(render(".{{.Config.Labels.missing}}.", image), ".<no value>.");
  assert.equal(render("{{.Size}}", image), "7797760");
  assert.equal(render("{{.Config.Cmd}} {{len .RootFS.Layers}}", image), "[/bin/sh] 2");
  assert.equal(render("{{if .Config.Labels}}labelled{{end}}", image), "labelled");
  assert.equal(
    render("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", image),
    "com.example=yes;org.opencontainers.image.version=3.20;",
  );
});

test("docker images / ps --format examples", () => {
  const rows = [
    { ID: "77af4d6b9913", Repository: "<none>", Tag: "<none>", Size: "1.09GB", Labels: "a=1" },
    { ID: "b6fa739cedf5", Repository: "committ", Tag: "latest", Size: "1.09GB", Labels: "" },
  ];
  assert.equal(formatList("{{.ID}}: {{.Repository}}", rows), "77af4d6b9913: <none>\nb6fa739cedf5: committ\n");
  assert.equal(
    formatList("table {{.ID}}\\t{{.Repository}}\\t{{.Tag}}", rows, {
      header: { ID: "IMAGE ID", Repository: "REPOSITORY", Tag: "TAG" },
    }),
    "IMAGE ID       REPOSITORY   TAG\n77af4d6b9913   <none>       <none>\nb6fa739cedf5   committ      latest\n",
  );
  const ps = [{ ID: "a1", Names: "web", Label: (k: string) => (k === "com.docker.swarm.node" ? "node-1" : "") }];
  assert.equal(formatList('{{.ID}}\\t{{.Label "com.docker.swarm.node"}}', ps), "a1\tnode-1\n");
  assert.equal(formatList("{{json .}}", [{ ID: "a1", Names: "web" }]), '{"ID":"a1","Names":"web"}\n');
});
