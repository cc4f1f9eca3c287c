use hwprovider::apig::client::reqlog;
use hwprovider::provider::{HuaweiCloud, ADDRESS, NAME};
use hwprovider::tfplugin::logging::{self, Level};

fn main() {
    // API and IAM requests go to the provider's log: lines at debug,
    // bodies at trace.
    reqlog::set_sink(reqlog::Sink {
        enabled: |bodies| logging::enabled(if bodies { Level::Trace } else { Level::Debug }),
        write: |message, fields| logging::log(Level::Debug, message, fields),
    });
    std::process::exit(hwprovider::tfplugin::launch::main(
        HuaweiCloud::new,
        NAME,
        ADDRESS,
    ));
}
