// `apig-emulator`: a local fake of the Huawei Cloud APIG VPC channel API.
// See `hwprovider::emulator` (and `--help`) for what it does.

#[tokio::main]
async fn main() {
    let code = hwprovider::emulator::run_cli(std::env::args().skip(1)).await;
    std::process::exit(code);
}
