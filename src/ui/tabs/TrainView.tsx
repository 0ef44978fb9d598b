/** Train tab: a placeholder until fine-tuning lands (its own issue). */
export function TrainView() {
  return (
    <div className="notice">
      <p>
        <strong>Fine-tuning is coming.</strong> Here you will train a LUCID dictionary for a model that has no
        pretrained one, on your own images and captions, in the browser.
      </p>
    </div>
  );
}
