//! `cargo run -p veto-bounce --example bounce_eval -- DIR [--json] [--mismatches]`: agreement of the
//! classifier with a labelled folder.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: eval DIR [--json] [--mismatches]");
        std::process::exit(2);
    };
    match veto_bounce::evaluate_dir(std::path::Path::new(dir)) {
        Ok(eval) => {
            if args.iter().any(|a| a == "--json") {
                println!("{}", eval.to_json());
            } else {
                print!("{}", eval.render_table());
                if args.iter().any(|a| a == "--mismatches") {
                    for m in &eval.mismatches {
                        let found = m
                            .found
                            .map(|(r, h)| format!("{r} {h}"))
                            .unwrap_or_else(|| "-".into());
                        println!(
                            "{} #{}: expected {} {}, found {}",
                            m.file, m.index, m.expected.0, m.expected.1, found
                        );
                    }
                }
            }
        }
        Err(e) => {
            eprintln!("eval: {e}");
            std::process::exit(1);
        }
    }
}
