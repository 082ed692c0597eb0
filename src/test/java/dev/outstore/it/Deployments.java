package dev.outstore.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Builds test applications: outstore as it ships (target/classes) plus the test's classes. */
final class Deployments {
  private Deployments() {}

  /**
   * @param config lines of microprofile-config.properties
   * @param classes the test's own classes (the shared Ping, observer, recorder and Db are added)
   */
  static WebArchive app(String name, String config, Class<?>... classes) {
    return bare(name, config, classes)
        .addClasses(Ping.class, PingObserver.class, Recorder.class, Db.class);
  }

  /** Like {@link #app} without the shared Ping observer. */
  static WebArchive bare(String name, String config, Class<?>... classes) {
    JavaArchive outstore =
        ShrinkWrap.create(ExplodedImporter.class, "outstore.jar")
            .importDirectory(new File("target/classes"))
            .as(JavaArchive.class);
    return ShrinkWrap.create(WebArchive.class, name + ".war")
        .addAsLibrary(outstore)
        .addClasses(classes)
        .addClasses(Deployments.class, Tx.class)
        .addPackages(true, "org.awaitility", "org.hamcrest")
        .addAsResource("it/persistence.xml", "META-INF/persistence.xml")
        .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties")
        .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
  }
}
